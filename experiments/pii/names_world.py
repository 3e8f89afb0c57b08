"""A wide, hand-written list of given names and surnames from many cultures,
written for the evaluation corpus independently of the gazetteer (US Census
1990). Many of these are NOT in the gazetteer on purpose: the evaluator reports
how many are, so recall on unknown names is measured honestly.
"""

FIRST = """
Oluwaseun Adaeze Chinedu Ngozi Emeka Folake Kwame Akosua Kofi Abena Tendai Nomvula Thabo Zanele
Sipho Lerato Amara Chiamaka Ifeoma Obinna Yetunde Babajide Wanjiru Njeri Kamau Otieno Achieng
Priya Rahul Ananya Arjun Deepika Vikram Lakshmi Sanjay Aishwarya Rohan Kavya Siddharth Meera Arnav
Wei Jing Xiaoming Mei Hao Yan Zhiwei Lihua Jun Ying Chen Fang Tao Xiu
Hiroshi Yuki Haruto Sakura Kenji Aiko Takeshi Yui Ren Hina Sora Daiki
Minjun Seoyeon Jiwoo Hyejin Donghyun Soojin Jaehyun Eunji
Nguyen Linh Minh Thao Duc Huong Tuan Phuong
Mohammed Fatima Omar Aisha Youssef Layla Hassan Zainab Karim Noor Tariq Salma Khalid Amira
Reza Shirin Dariush Parisa Kian Yasmin
Mehmet Elif Emre Zeynep Burak Ayse Can Selin
Giulia Matteo Chiara Lorenzo Francesca Alessandro Federica
Sven Ingrid Lars Astrid Bjorn Sigrid Nils Freya Magnus Liv
Katarzyna Piotr Agnieszka Tomasz Malgorzata Krzysztof
Dmitri Olga Sergei Natalia Ivan Svetlana Anastasia Mikhail
Joaquin Valentina Santiago Camila Mateo Lucia Alejandro Ximena Diego Paula
Siobhan Padraig Niamh Aoife Ciaran Eoin
Thomas Sarah Michael Jennifer David Linda James Patricia Robert Elizabeth William Barbara
Richard Susan Joseph Jessica Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark
Emily Andrew Donna Joshua Michelle Kevin Carol Brian Amanda George Melissa Edward Deborah
""".split()

LAST = """
Adeyemi Okonkwo Eze Nwosu Okafor Balogun Mensah Asante Owusu Boateng Moyo Dlamini Nkosi Khumalo
Mthembu Ndlovu Kariuki Otieno Wambui Njoroge Abubakar Chukwu Obi Onyango Mwangi
Sharma Patel Raghunathan Iyer Venkatesan Chatterjee Banerjee Reddy Gupta Nair Krishnan Deshpande
Menon Subramanian Bhattacharya Mukherjee Agarwal Kulkarni
Zhang Wang Liu Chen Yang Huang Zhao Zhou Wu Xu Sun Zhu Ma Hu Guo Lin
Tanaka Suzuki Takahashi Watanabe Yamamoto Nakamura Kobayashi Saito Yoshida Yamaguchi
Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim
Tran Le Pham Hoang Phan Vu Dang Bui Do Ngo
Haddad Khalil Mansour Nasser Farouk Aziz Rahman Hussein Saleh Qureshi
Hosseini Tehrani Karimi Moradi Rostami Jafari
Yilmaz Kaya Demir Sahin Celik Ozturk Aydin Arslan
Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco
Johansson Andersson Lindqvist Nilsson Eriksson Larsen Hansen Jensen Haugen Berg
Kowalski Nowak Wisniewski Wojcik Kaminski Lewandowski Zielinski
Ivanov Smirnov Kuznetsov Popov Sokolov Lebedev Volkov Morozov
Gonzalez Rodriguez Fernandez Lopez Martinez Sanchez Perez Ramirez Torres Flores Castillo Vargas
Murphy OBrien Kelly Byrne Ryan Walsh Gallagher Doyle
Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thompson Moore Jackson
Martin White Harris Clark Lewis Robinson Walker Hall Allen Young King Wright Scott Green Baker
Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker Collins Edwards
""".split()
